/** Where sandbox mode submits documents: the SUNAT simulator's billService and the credentials it accepts. */
export interface SunatEndpoint {
  billServiceUrl: string;
  username: string;
  password: string;
}

/** Injection token: the sandbox module provides the SUNAT simulator's endpoint in sandbox mode. */
export const SUNAT_ENDPOINT = Symbol('SUNAT_ENDPOINT');

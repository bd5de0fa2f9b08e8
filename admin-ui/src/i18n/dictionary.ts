import { es } from './es';

export type Lang = 'es' | 'en';
export const LANGS: Lang[] = ['es', 'en'];
export type MessageKey = keyof typeof es;
/** English must define every key Spanish does (the compiler checks en.ts against this). */
export type Messages = Record<MessageKey, string>;
export type Vars = Record<string, string | number>;

export function interpolate(text: string, vars?: Vars): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

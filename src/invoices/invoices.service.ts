import { Injectable } from '@nestjs/common';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { ApiError } from '../common/errors/api-error';
import { decodeCursor, toPage } from '../common/pagination/cursor-page';
import { EntityRows } from '../database/entity-rows';
import { SqlRunner } from '../database/sql-runner';
import type { SqlValue } from '../database/sql-session';
import { AppConfig } from '../config/app-config';
import { Invoice } from './invoice.entity';
import { documentFileName } from './invoice-document';
import { presentInvoice } from './invoice.presenter';
import type { ListInvoicesQuery } from './invoices.schemas';
import { renderInvoicePdf } from './pdf/invoice-pdf';

/** Reading invoices: one, a filtered page, the signed XML and the printed PDF. Always scoped to the caller's app. */
@Injectable()
export class InvoicesService {
  constructor(
    private readonly sql: SqlRunner,
    private readonly rows: EntityRows,
    private readonly config: AppConfig,
  ) {}

  async get(caller: AuthedCaller, id: string) {
    return presentInvoice(await this.find(caller, id));
  }

  async list(caller: AuthedCaller, q: ListInvoicesQuery) {
    // A `numbered` row is a document half issued (invoice-issuer.ts): not a document yet, so not listed.
    const where = ["app_id = ?", "status <> 'numbered'"];
    const params: SqlValue[] = [caller.appId];
    const add = (clause: string, value: SqlValue) => {
      where.push(clause);
      params.push(value);
    };
    if (q.order_id) add('order_id = ?', q.order_id);
    if (q.type) add('kind = ?', q.type);
    if (q.status) add('status = ?', q.status);
    if (q.from) add('created_at >= ?', new Date(q.from));
    if (q.to) add('created_at < ?', new Date(q.to));
    const after = decodeCursor(q.cursor, 'invoice');
    if (after) add('id < ?', after);
    const rows = await this.rows.select(this.sql, Invoice, `${where.join(' and ')} order by id desc limit ${q.limit + 1}`, params);
    return toPage(rows, q.limit, presentInvoice);
  }

  /** The signed UBL exactly as submitted, under SUNAT's file name. */
  async xml(caller: AuthedCaller, id: string): Promise<{ fileName: string; body: string }> {
    const i = await this.find(caller, id);
    return { fileName: `${documentFileName(i.document.issuer.ruc, i.typeCode, i.series, i.number)}.xml`, body: i.xml };
  }

  /** The printed representation, rendered from the stored document (the same bytes of content every time). */
  async pdf(caller: AuthedCaller, id: string): Promise<{ fileName: string; body: Buffer }> {
    const i = await this.find(caller, id);
    const body = await renderInvoicePdf(i.document, { hash: i.hash, brandName: this.config.mailBrand.name, brandColor: this.config.mailBrand.primaryColor, status: i.status });
    return { fileName: `${documentFileName(i.document.issuer.ruc, i.typeCode, i.series, i.number)}.pdf`, body };
  }

  private async find(caller: AuthedCaller, id: string): Promise<Invoice> {
    const [invoice] = await this.rows.select(this.sql, Invoice, "id = ? and app_id = ? and status <> 'numbered'", [id, caller.appId]);
    if (!invoice) throw ApiError.notFound('invoice');
    return invoice;
  }
}

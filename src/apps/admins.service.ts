import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { hashPassword } from '../common/secrets';
import { AdminUser, type AdminRole } from './admin-user.entity';

/** Admin users of the dashboard (the dashboard itself is its own capability). */
@Injectable()
export class AdminsService {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
  ) {}

  async create(email: string, password: string, role: AdminRole): Promise<{ id: string; email: string; role: AdminRole } | 'exists'> {
    if (password.length < 12) throw new RangeError('the password must have at least 12 characters');
    const admin = this.em.create(AdminUser, {
      id: newId('admin'),
      email: email.trim().toLowerCase(),
      passwordHash: await hashPassword(password),
      role,
      createdAt: this.clock.now(),
      failedLogins: 0,
    });
    try {
      await this.em.persistAndFlush(admin);
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) return 'exists';
      throw err;
    }
    return { id: admin.id, email: admin.email, role };
  }

  async count(): Promise<number> {
    return this.em.count(AdminUser, {});
  }
}

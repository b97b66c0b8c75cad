import { Global, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module';
import { AuditInterceptor } from '../audit/audit.interceptor';
import { ActorService } from './actor.service';
import { AuthController, UsersController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { UsersService } from './users.service';

/** Users, roles, tokens; the global guard (every route signed in unless @Public) and the audit interceptor. */
@Global()
@Module({
  imports: [AuditModule],
  controllers: [AuthController, UsersController],
  providers: [
    ActorService,
    AuthService,
    UsersService,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  ],
  exports: [ActorService, UsersService],
})
export class AuthModule {}

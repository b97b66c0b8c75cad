import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Actor } from './actor';
import { CurrentActor, Public, RequirePermission } from './auth.decorators';
import { AuthService, type TokenPair } from './auth.service';
import { CreateUserDto, LoginDto, RefreshDto, type UserResponse } from './dto/auth.dto';
import { UsersService } from './users.service';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** `{ username, password }` → `{ accessToken (15 min), refreshToken, tokenType, expiresIn }` */
  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Body() dto: LoginDto, @Req() request: Request): Promise<TokenPair> {
    return this.auth.login(dto.username, dto.password, request);
  }

  /** Exchanges a refresh token (single use) for a new pair. */
  @Public()
  @Post('refresh')
  @HttpCode(200)
  refresh(@Body() dto: RefreshDto, @Req() request: Request): Promise<TokenPair> {
    return this.auth.refresh(dto.refreshToken, request);
  }

  /** Revokes the refresh token and every token rotated from the same sign-in. */
  @Public()
  @Post('logout')
  @HttpCode(204)
  async logout(@Body() dto: RefreshDto, @Req() request: Request): Promise<void> {
    await this.auth.logout(dto.refreshToken, request);
  }
}

@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  me(@CurrentActor() actor: Actor): Promise<UserResponse> {
    return this.users.me(actor);
  }

  @Post()
  @RequirePermission('users.manage')
  create(@Body() dto: CreateUserDto, @CurrentActor() actor: Actor): Promise<UserResponse> {
    return this.users.create(dto, actor);
  }
}

import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { Actor } from '../../src/modules/auth/actor';
import type { RoleGrantDto, UserResponse } from '../../src/modules/auth/dto/auth.dto';
import { UsersService } from '../../src/modules/auth/users.service';

export const TEST_PASSWORD = 'Correct-Horse-Battery-9';

/** A supertest client that sends the user's bearer token with every request. */
export interface AuthedClient {
  readonly user: UserResponse;
  readonly accessToken: string;
  readonly refreshToken: string;
  get(url: string): request.Test;
  post(url: string): request.Test;
  patch(url: string): request.Test;
  put(url: string): request.Test;
  delete(url: string): request.Test;
}

let counter = 0;

/** Creates a user directly (as the server operator would through the CLI) with the given roles. */
export async function createUser(dataSource: DataSource, roles: RoleGrantDto[], username = `user${++counter}-${Date.now().toString(36)}`, granter: Actor | null = null): Promise<UserResponse> {
  return new UsersService(dataSource).create({ username, displayName: username, password: TEST_PASSWORD, roles }, granter);
}

export async function login(app: INestApplication, username: string, password = TEST_PASSWORD): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await request(app.getHttpServer()).post('/api/auth/login').send({ username, password });
  if (response.status !== 200) throw new Error(`login of ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export function clientFor(app: INestApplication, user: UserResponse, tokens: { accessToken: string; refreshToken: string }): AuthedClient {
  const server = app.getHttpServer();
  const auth = (test: request.Test) => test.set('Authorization', `Bearer ${tokens.accessToken}`);
  return {
    user,
    ...tokens,
    get: (url) => auth(request(server).get(url)),
    post: (url) => auth(request(server).post(url)),
    patch: (url) => auth(request(server).patch(url)),
    put: (url) => auth(request(server).put(url)),
    delete: (url) => auth(request(server).delete(url)),
  };
}

/** Creates a user with these roles, signs them in, and returns a client acting as them. */
export async function signedInAs(app: INestApplication, dataSource: DataSource, roles: RoleGrantDto[], username?: string): Promise<AuthedClient> {
  const user = await createUser(dataSource, roles, username);
  return clientFor(app, user, await login(app, user.username));
}

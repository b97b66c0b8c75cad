import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { ROLES, type Role } from '../roles';

export class LoginDto {
  @IsString()
  @Length(1, 64)
  username: string;

  @IsString()
  @Length(1, 200)
  password: string;
}

export class RefreshDto {
  @IsString()
  @Length(10, 200)
  refreshToken: string;
}

export class RoleGrantDto {
  @IsIn(ROLES)
  role: Role;

  @IsOptional()
  @IsUUID()
  regionId?: string;

  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @IsOptional()
  @IsUUID()
  classId?: string;

  @IsOptional()
  @IsUUID()
  studentId?: string;
}

export class CreateUserDto {
  /** lower-case letters, digits, dot, dash, underscore; 3–64 characters */
  @Matches(/^[a-z0-9._-]{3,64}$/, { message: 'username: 3–64 lower-case letters, digits, dot, dash or underscore' })
  username: string;

  @IsString()
  @Length(1, 100)
  displayName: string;

  @IsString()
  @Length(1, 200)
  password: string;

  @ValidateNested({ each: true })
  @Type(() => RoleGrantDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  roles: RoleGrantDto[];
}

export interface UserResponse {
  id: string;
  username: string;
  displayName: string;
  roles: { id: string; role: Role; regionId: string | null; schoolId: string | null; classId: string | null; studentId: string | null }[];
}

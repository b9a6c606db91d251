import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ApiConfig } from '../config/api-config';
import { AccessTokenService } from './access-token.service';
import { AccessGuard } from './access.guard';
import { AuthController } from './auth.controller';
import { LoginAttempts } from './login-attempts.service';

@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [ApiConfig],
      useFactory: (config: ApiConfig) => ({ secret: config.jwtSecret }),
    }),
  ],
  controllers: [AuthController],
  providers: [AccessTokenService, LoginAttempts, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [AccessTokenService],
})
export class AuthModule {}

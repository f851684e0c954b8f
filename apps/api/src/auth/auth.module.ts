import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { THROTTLE_CLOCK, WrongTokenThrottle } from './wrong-token-throttle';

@Module({
  controllers: [AuthController],
  providers: [
    AuthService,
    WrongTokenThrottle,
    { provide: THROTTLE_CLOCK, useValue: Date.now },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService],
})
export class AuthModule {}

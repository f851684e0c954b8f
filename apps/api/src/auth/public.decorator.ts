/** Marks a route that needs no API token (health, and the sign-in endpoints themselves). */
import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'ml-portal:public';

export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

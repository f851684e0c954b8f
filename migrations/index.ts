/** Every migration, in order. Listed here (not globbed) so the built server and the tests run the same set. */
import { InitialSchema1795750251431 } from './1795750251431-initial-schema';

export const MIGRATIONS = [InitialSchema1795750251431];

// Where `vite build` puts the admin client, for the host that serves it (@gatehouse/server).
import { fileURLToPath } from 'node:url';

export const adminClientDir = fileURLToPath(new URL('./dist', import.meta.url));

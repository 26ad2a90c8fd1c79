import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { RouterProvider } from '@tanstack/react-router';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Providers } from './providers.js';
import { createAppRouter } from './router.js';
import { createBrowserClient, createQueryClient } from './trpc.js';

const queryClient = createQueryClient();
const trpcClient = createBrowserClient();
const router = createAppRouter({
  queryClient,
  trpc: createTRPCOptionsProxy({ client: trpcClient, queryClient }),
});
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <Providers queryClient={queryClient} trpcClient={trpcClient}>
      <RouterProvider router={router} />
    </Providers>
  </StrictMode>,
);

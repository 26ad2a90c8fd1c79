import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Providers } from './providers.js';
import { createAppRouter } from './router.js';
import { createBrowserClient, createQueryClient } from './trpc.js';

const router = createAppRouter();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <Providers queryClient={createQueryClient()} trpcClient={createBrowserClient()}>
      <RouterProvider router={router} />
    </Providers>
  </StrictMode>,
);

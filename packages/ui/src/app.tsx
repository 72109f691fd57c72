/** @jsxRuntime automatic */
import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, useCallback, useState } from 'react';
import { createBrowserRouter, Outlet, RouterProvider, useNavigate } from 'react-router-dom';
import { ToastProvider } from './components/ui/toast.tsx';
import { RequireAuth } from './features/auth/components/require-auth.tsx';
import { SessionProvider } from './features/auth/hooks/session.tsx';
import { LoginPage } from './features/auth/login-page.tsx';
import { AgentDetailPage } from './features/agents/agent-detail-page.tsx';
import { AgentsPage } from './features/agents/agents-page.tsx';
import { DashboardPage } from './features/dashboard/dashboard-page.tsx';
import { DeploymentCreatePage } from './features/deployments/deployment-create-page.tsx';
import { DeploymentDetailPage } from './features/deployments/deployment-detail-page.tsx';
import { DeploymentsPage } from './features/deployments/deployments-page.tsx';
import { AppLayout } from './features/layout/app-layout.tsx';
import { NotFoundPage } from './features/layout/not-found-page.tsx';
import { SettingsPage } from './features/settings/settings-page.tsx';
import { TemplatesPage } from './features/templates/templates-page.tsx';
import { TokensPage } from './features/tokens/tokens-page.tsx';
// ── backend presets ──
import { BackendsPage } from './features/backends/backends-page.tsx';
import { BackendEditorPage } from './features/backends/backend-editor-page.tsx';
import { UsagePage } from './features/usage/usage-page.tsx';
// ── logs (log studio) ──
import { LogStudioPage } from './features/logs/log-studio-page.tsx';
// ──
// ── events, webhooks, alert rules ──
import { WebhookDetailPage } from './features/webhooks/webhook-detail-page.tsx';
import { createQueryClient } from './lib/api/query-client.ts';
import { ThemeProvider } from './lib/theme.tsx';

// Monaco is large: the template editor (its only user) loads it on demand.
const TemplateEditorPage = lazy(() =>
  import('./features/templates/template-editor-page.tsx').then((m) => ({ default: m.TemplateEditorPage })),
);

function Root() {
  const navigate = useNavigate();
  const onLoggedOut = useCallback(() => navigate('/login', { replace: true }), [navigate]);
  return (
    <SessionProvider onLoggedOut={onLoggedOut}>
      <Outlet />
    </SessionProvider>
  );
}

const router = createBrowserRouter([
  {
    element: <Root />,
    children: [
      { path: '/login', element: <LoginPage /> },
      {
        element: (
          <RequireAuth>
            <AppLayout />
          </RequireAuth>
        ),
        children: [
          { index: true, element: <DashboardPage /> },
          { path: 'agents', element: <AgentsPage /> },
          { path: 'agents/:id', element: <AgentDetailPage /> },
          { path: 'templates', element: <TemplatesPage /> },
          { path: 'templates/:id', element: <TemplateEditorPage /> },
          { path: 'deployments', element: <DeploymentsPage /> },
          { path: 'deployments/new', element: <DeploymentCreatePage /> },
          { path: 'deployments/:id', element: <DeploymentDetailPage /> },
          { path: 'tokens', element: <TokensPage /> },
          // ── backend presets ──
          { path: 'backends', element: <BackendsPage /> },
          { path: 'backends/new', element: <BackendEditorPage /> },
          { path: 'backends/:id', element: <BackendEditorPage key="edit" /> },
          { path: 'usage', element: <UsagePage /> },
          // ── logs (log studio) ──
          { path: 'logs', element: <LogStudioPage /> },
          // ──
          { path: 'settings', element: <SettingsPage /> },
          { path: 'settings/webhooks/:id', element: <WebhookDetailPage /> }, // ── events, webhooks ──
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <ThemeProvider>
      <QueryClientProvider client={queryClient}>
        <ToastProvider>
          <RouterProvider router={router} />
        </ToastProvider>
      </QueryClientProvider>
    </ThemeProvider>
  );
}

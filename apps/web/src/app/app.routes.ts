import type { Routes } from '@angular/router';
import { authGuard, signInPageGuard } from './auth/auth.guard';

export const appRoutes: Routes = [
  {
    // Shown only when the server has an API_TOKEN and this browser has not signed in.
    path: 'sign-in',
    title: 'Sign in · ML Portal',
    canActivate: [signInPageGuard],
    loadComponent: () => import('./auth/sign-in-page.component').then((m) => m.SignInPageComponent),
  },
  {
    // Every page of the app: with an API_TOKEN on the server, a signed-in browser only.
    path: '',
    canActivate: [authGuard],
    children: [
      {
        path: '',
        pathMatch: 'full',
        title: 'Experiments · ML Portal',
        loadComponent: () => import('./experiments/experiments-page.component').then((m) => m.ExperimentsPageComponent),
      },
      {
        path: 'experiments/:experimentId',
        title: 'Runs · ML Portal',
        loadComponent: () => import('./runs/experiment-runs-page.component').then((m) => m.ExperimentRunsPageComponent),
        children: [
          {
            // The run-detail modal opens over the runs list, at its own URL so that a link to a run can be shared.
            path: 'runs/:runId',
            title: 'Run · ML Portal',
            loadComponent: () =>
              import('./run-detail/run-detail-route.component').then((m) => m.RunDetailRouteComponent),
          },
        ],
      },
    ],
  },
  { path: '**', redirectTo: '' },
];

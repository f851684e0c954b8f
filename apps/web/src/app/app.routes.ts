import type { Routes } from '@angular/router';

export const appRoutes: Routes = [
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
        loadComponent: () => import('./run-detail/run-detail-route.component').then((m) => m.RunDetailRouteComponent),
      },
    ],
  },
  { path: '**', redirectTo: '' },
];

/**
 * The route `/experiments/:experimentId/runs/:runId` renders nothing itself: it opens the run-detail modal over
 * the runs list and keeps URL and modal in step. Esc or the close button close the modal and the URL goes back to
 * the experiment; leaving the route some other way (Back, a link) closes the modal.
 */
import { ChangeDetectionStrategy, Component, effect, inject, input, OnDestroy, untracked } from '@angular/core';
import { MatDialog, type MatDialogRef } from '@angular/material/dialog';
import { Router } from '@angular/router';
import { RunDetailDialogComponent, type RunDetailDialogData } from './run-detail-dialog.component';

@Component({
  selector: 'ml-run-detail-route',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: '',
})
export class RunDetailRouteComponent implements OnDestroy {
  private readonly dialog = inject(MatDialog);
  private readonly router = inject(Router);

  readonly experimentId = input.required<string>();
  readonly runId = input.required<string>();

  private dialogRef: MatDialogRef<RunDetailDialogComponent> | null = null;

  constructor() {
    effect(() => {
      const data: RunDetailDialogData = { experimentId: this.experimentId(), runId: this.runId() };
      untracked(() => this.open(data));
    });
  }

  ngOnDestroy(): void {
    this.closeQuietly();
  }

  private open(data: RunDetailDialogData): void {
    this.closeQuietly();
    const ref = this.dialog.open(RunDetailDialogComponent, {
      data,
      width: 'min(1200px, 96vw)',
      maxWidth: '96vw',
      height: 'min(920px, 94vh)',
      panelClass: 'ml-run-detail-panel',
      autoFocus: 'dialog',
      restoreFocus: true,
      ariaLabel: 'Run details',
    });
    this.dialogRef = ref;
    ref.afterClosed().subscribe(() => {
      if (this.dialogRef === ref) {
        // closed by the user (Esc, the close button, a backdrop click): the URL follows
        this.dialogRef = null;
        void this.router.navigate(['/experiments', data.experimentId]);
      }
    });
  }

  /** Closes the modal without navigating (the route is going away or showing another run). */
  private closeQuietly(): void {
    const ref = this.dialogRef;
    this.dialogRef = null;
    ref?.close();
  }
}

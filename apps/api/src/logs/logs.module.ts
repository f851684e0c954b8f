import { Module } from '@nestjs/common';
import { LogCaptureService } from './log-capture.service';
import { LogHistoryService } from './log-history.service';
import { LogNotifier } from './log-notifier';
import { LogStreamService } from './log-stream.service';
import { LogsController } from './logs.controller';
import { ProcessLauncher } from './process-launcher';
import { TrainingLogStore } from './training-log.store';

@Module({
  controllers: [LogsController],
  providers: [TrainingLogStore, ProcessLauncher, LogCaptureService, LogStreamService, LogHistoryService, LogNotifier],
  exports: [TrainingLogStore, LogCaptureService, LogStreamService],
})
export class LogsModule {}

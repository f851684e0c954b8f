export { TrainingLogViewerComponent } from './lib/training-log-viewer.component';
export { LogStreamClient, EVENT_SOURCE_FACTORY, type EventSourceFactory } from './lib/log-stream-client';
export { LOG_VIEWER_OPTIONS, DEFAULT_LOG_VIEWER_OPTIONS, type LogViewerOptions } from './lib/log-viewer-options';
export { DARK_TERMINAL_THEME, LIGHT_TERMINAL_THEME } from './lib/terminal-theme';

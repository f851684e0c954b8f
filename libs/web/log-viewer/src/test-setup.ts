// jsdom lacks the browser APIs xterm.js and the viewer touch; these stubs are just enough for them to run.
import { setupZonelessTestEnv } from 'jest-preset-angular/setup-env/zoneless';

setupZonelessTestEnv();

Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query: string): MediaQueryList =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }) as MediaQueryList,
});

// xterm copes with a missing 2D context; without this stub jsdom prints "not implemented" for every call.
HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;

class ResizeObserverStub implements ResizeObserver {
  observe(): void {
    /* jsdom has no layout, so nothing ever resizes */
  }
  unobserve(): void {
    /* nothing observed */
  }
  disconnect(): void {
    /* nothing observed */
  }
}
(globalThis as { ResizeObserver: typeof ResizeObserver }).ResizeObserver = ResizeObserverStub;

// xterm measures a character cell with offsetWidth/offsetHeight of a 32-character span; jsdom has no layout and says
// 0, and with a 0-pixel cell xterm's viewport cannot scroll by lines. An 8x16 cell makes scrolling testable.
Object.defineProperty(HTMLElement.prototype, 'offsetWidth', { configurable: true, get: () => 256 });
Object.defineProperty(HTMLElement.prototype, 'offsetHeight', { configurable: true, get: () => 16 });

import { type ApplicationConfig, provideBrowserGlobalErrorListeners } from "@angular/core";

// Zoneless (no zone.js): the stream's signals schedule change detection.
export const appConfig: ApplicationConfig = {
  providers: [provideBrowserGlobalErrorListeners()],
};

import { Component, signal } from "@angular/core";
import { ReviewPanel } from "./review-panel";

@Component({
  selector: "app-root",
  imports: [ReviewPanel],
  template: `
    <main>
      <button type="button" id="close" (click)="open.set(false)">Close</button>
      <!-- Closing the panel destroys it, which cancels its request in flight. -->
      @if (open()) {
        <app-review-panel />
      }
    </main>
  `,
})
export class App {
  protected readonly open = signal(true);
}

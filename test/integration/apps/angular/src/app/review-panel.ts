import { Component, signal } from "@angular/core";
import { ConnectionError } from "@partialgen/runtime/client";
import { injectProductReviewStream } from "../generated/product-review.angular";

@Component({
  selector: "app-review-panel",
  template: `
    <section>
      <textarea id="review-text" [value]="text()" (input)="text.set(textOf($event))"></textarea>
      <button type="button" id="submit" [disabled]="stream.status() === 'streaming'" (click)="stream.submit({ text: text() })">Summarise</button>
      <button type="button" id="stop" [disabled]="stream.status() !== 'streaming'" (click)="stream.stop()">Stop</button>
      <p id="status" [attr.data-state]="stream.status()">{{ stream.status() }}</p>
      @if (stream.error(); as error) {
        <p id="error" role="alert">{{ error.name }}{{ httpStatus(error) }}: {{ error.message }}</p>
      }
      <h2 data-field="title">{{ stream.value()?.title }}</h2>
      <p data-field="rating">{{ stream.value()?.rating }}</p>
      <!-- a streamed element's position is its identity -->
      <ul data-field="pros">
        @for (pro of stream.value()?.pros ?? []; track $index) {
          <li>{{ pro }}</li>
        }
      </ul>
      <ul data-field="cons">
        @for (con of stream.value()?.cons ?? []; track $index) {
          <li>{{ con }}</li>
        }
      </ul>
      <p data-field="summary">{{ stream.value()?.summary }}</p>
    </section>
  `,
})
export class ReviewPanel {
  protected readonly text = signal("");
  protected readonly stream = injectProductReviewStream<{ text: string }>({ api: "/api/review" });

  protected textOf(event: Event): string {
    return (event.target as HTMLTextAreaElement).value;
  }

  protected httpStatus(error: Error): string {
    return error instanceof ConnectionError && error.status !== undefined ? ` (HTTP ${error.status})` : "";
  }
}

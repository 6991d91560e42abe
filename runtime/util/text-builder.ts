/**
 * Accumulates streamed text in O(its length) memory. `text += delta` builds a V8 rope: one node per delta (about
 * 8× the text for 4-character deltas) until something reads it. Here deltas are joined in groups into flat
 * blocks, and blocks into one flat string whenever they outgrow it, so every character is copied O(1) times on
 * average and at most 64 small pieces are held as pieces.
 */
export class TextBuilder {
  private flat = "";
  private readonly blocks: string[] = [];
  private blockChars = 0;
  private readonly pieces: string[] = [];
  private chars = 0;

  get length(): number {
    return this.chars;
  }

  append(piece: string): void {
    if (piece === "") return;
    this.chars += piece.length;
    this.pieces.push(piece);
    if (this.pieces.length < 64) return;
    const block = this.pieces.join("");
    this.pieces.length = 0;
    this.blocks.push(block);
    this.blockChars += block.length;
    if (this.blockChars >= this.flat.length) this.collapse();
  }

  /** The whole text, as one flat string (kept: the next call costs nothing). */
  toString(): string {
    if (this.pieces.length > 0) {
      this.blocks.push(this.pieces.join(""));
      this.pieces.length = 0;
    }
    if (this.blocks.length > 0) this.collapse();
    return this.flat;
  }

  private collapse(): void {
    this.blocks.unshift(this.flat);
    this.flat = this.blocks.join("");
    this.blocks.length = 0;
    this.blockChars = 0;
  }
}

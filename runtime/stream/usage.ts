/** Token usage, summed over every attempt that reported it (failed ones included). */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

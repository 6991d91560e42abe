import type { Metadata } from "next";

export const metadata: Metadata = {
  title: "Review summariser",
  description: "A customer review summarised by a model, field by field as it streams",
};

export default function RootLayout({ children }: LayoutProps<"/">) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}

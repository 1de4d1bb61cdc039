import localFont from "next/font/local";

// Served from this server (no font CDN): Inter for Latin text, Noto Sans Thai for Thai.
export const inter = localFont({
  src: "../node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2",
  variable: "--font-inter",
  display: "swap",
  weight: "100 900",
});

export const notoSansThai = localFont({
  src: "../node_modules/@fontsource-variable/noto-sans-thai/files/noto-sans-thai-thai-wght-normal.woff2",
  variable: "--font-thai",
  display: "swap",
  weight: "100 900",
});

/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The app server's token endpoint, when it is not /api/token on the page's origin. */
  readonly VITE_TOKEN_URL?: string;
}

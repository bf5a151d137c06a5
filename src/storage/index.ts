export type {
  KeyValueStorage,
  StorageChange,
  StorageChangeListener,
  StorageLease,
  Unsubscribe,
} from './key-value-storage';
export { createMemoryStorage } from './memory-storage';
export type { MemoryStorageOptions } from './memory-storage';
export { createWebStorage } from './web-storage';
export type { WebLocks, WebStorageArea, WebStorageOptions } from './web-storage';
export { createCookieStorage } from './cookie-storage';
export type { CookieSameSite, CookieStorageInit, CookieStorageOptions } from './cookie-storage';

// oidc-provider ships no type declarations; the test OAuth server uses a small part of it.
declare module 'oidc-provider';

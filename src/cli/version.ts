// hk's version, kept in one place (package.json's version is checked against it in tests).
export const HK_VERSION = "0.1.0";

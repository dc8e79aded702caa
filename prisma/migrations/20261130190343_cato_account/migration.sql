-- CreateTable
CREATE TABLE "CatoAccount" (
    "accountId" TEXT NOT NULL DEFAULT 'default',
    "catoAccountId" TEXT NOT NULL,
    "apiKeyCiphertext" TEXT NOT NULL,
    "apiKeyHint" TEXT NOT NULL DEFAULT '',
    "region" TEXT NOT NULL DEFAULT 'eu',
    "events" BOOLEAN NOT NULL DEFAULT true,
    "audit" BOOLEAN NOT NULL DEFAULT false,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CatoAccount_pkey" PRIMARY KEY ("accountId")
);

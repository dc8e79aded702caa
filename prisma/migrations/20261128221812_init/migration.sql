-- CreateEnum
CREATE TYPE "IntegrationStatus" AS ENUM ('pending', 'healthy', 'retrying', 'error', 'paused');

-- CreateTable
CREATE TABLE "Integration" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL DEFAULT 'default',
    "app" TEXT NOT NULL DEFAULT 'splunk',
    "auth" TEXT NOT NULL DEFAULT 'api_key',
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "ingestionUrl" TEXT NOT NULL,
    "tokenCiphertext" TEXT NOT NULL,
    "tokenHint" TEXT NOT NULL DEFAULT '',
    "index" TEXT,
    "events" BOOLEAN NOT NULL DEFAULT true,
    "flows" BOOLEAN NOT NULL DEFAULT false,
    "eventFilter" JSONB NOT NULL DEFAULT '[]',
    "errorEvents" BOOLEAN NOT NULL DEFAULT true,
    "status" "IntegrationStatus" NOT NULL DEFAULT 'pending',
    "statusDetail" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Integration_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Integration_accountId_createdAt_idx" ON "Integration"("accountId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Integration_accountId_nameKey_key" ON "Integration"("accountId", "nameKey");

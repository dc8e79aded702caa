/*
  Warnings:

  - You are about to drop the column `status` on the `Integration` table. All the data in the column will be lost.
  - You are about to drop the column `statusDetail` on the `Integration` table. All the data in the column will be lost.

*/
-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('pending', 'healthy', 'retrying', 'error');

-- AlterTable
ALTER TABLE "Integration" DROP COLUMN "status",
DROP COLUMN "statusDetail",
ADD COLUMN     "paused" BOOLEAN NOT NULL DEFAULT false;

-- DropEnum
DROP TYPE "IntegrationStatus";

-- CreateTable
CREATE TABLE "Delivery" (
    "integrationId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "marker" TEXT NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'pending',
    "statusDetail" TEXT NOT NULL DEFAULT '',
    "deliveredRecords" BIGINT NOT NULL DEFAULT 0,
    "deliveredBytes" BIGINT NOT NULL DEFAULT 0,
    "setAsideRecords" INTEGER NOT NULL DEFAULT 0,
    "gapRecords" BIGINT NOT NULL DEFAULT 0,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "lastDeliveredAt" TIMESTAMP(3),
    "lastErrorAt" TIMESTAMP(3),
    "lastErrorEventAt" TIMESTAMP(3),
    "nextAttemptAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Delivery_pkey" PRIMARY KEY ("integrationId","source")
);

-- CreateTable
CREATE TABLE "SetAsideRecord" (
    "id" TEXT NOT NULL,
    "integrationId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "marker" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "preview" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SetAsideRecord_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SetAsideRecord_integrationId_createdAt_idx" ON "SetAsideRecord"("integrationId", "createdAt");

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SetAsideRecord" ADD CONSTRAINT "SetAsideRecord_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "channel" TEXT NOT NULL DEFAULT (gen_random_uuid())::text,
ADD COLUMN     "failingSince" TIMESTAMP(3),
ADD COLUMN     "pendingAcks" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "Integration" ADD COLUMN     "indexerAck" BOOLEAN NOT NULL DEFAULT false;

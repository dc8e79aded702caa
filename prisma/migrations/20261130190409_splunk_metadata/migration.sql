-- AlterTable
ALTER TABLE "Integration" ADD COLUMN     "hecHost" TEXT NOT NULL DEFAULT 'cato-sase',
ADD COLUMN     "hecSource" TEXT NOT NULL DEFAULT 'cato_networks',
ADD COLUMN     "sourcetypeAudit" TEXT NOT NULL DEFAULT 'cato:audit',
ADD COLUMN     "sourcetypeEvents" TEXT NOT NULL DEFAULT 'cato:events',
ADD COLUMN     "sourcetypeFlows" TEXT NOT NULL DEFAULT 'cato:flows';

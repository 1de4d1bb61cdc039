-- AlterTable
ALTER TABLE "services" ADD COLUMN "flapping_since" DATETIME;
ALTER TABLE "services" ADD COLUMN "next_reminder_at" DATETIME;

-- CreateTable
CREATE TABLE "channels" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "levels" TEXT NOT NULL,
    "service_ids" JSONB,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "managed" BOOLEAN NOT NULL DEFAULT false,
    "broken_at" DATETIME,
    "broken_reason" TEXT,
    "paused_until" DATETIME,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "deliveries" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "channel_id" TEXT NOT NULL,
    "service_id" TEXT NOT NULL,
    "event_id" TEXT,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" DATETIME NOT NULL,
    "locked_by" TEXT,
    "locked_until" DATETIME,
    "last_error" TEXT,
    "created_at" DATETIME NOT NULL,
    "sent_at" DATETIME,
    CONSTRAINT "deliveries_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "workers" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "hostname" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "started_at" DATETIME NOT NULL,
    "last_sweep_at" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "deliveries_status_next_attempt_at_idx" ON "deliveries"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "deliveries_channel_id_service_id_status_id_idx" ON "deliveries"("channel_id", "service_id", "status", "id");

-- CreateIndex
CREATE INDEX "services_next_reminder_at_idx" ON "services"("next_reminder_at");

-- CreateIndex
CREATE INDEX "services_flapping_since_idx" ON "services"("flapping_since");

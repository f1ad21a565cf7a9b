-- CreateTable
CREATE TABLE "delivery_track_points" (
    "event_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "latitude" DOUBLE PRECISION NOT NULL,
    "longitude" DOUBLE PRECISION NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "delivery_track_points_pkey" PRIMARY KEY ("event_id")
);

-- CreateIndex
CREATE INDEX "delivery_track_points_order_id_recorded_at_idx" ON "delivery_track_points"("order_id", "recorded_at");

-- AddForeignKey
ALTER TABLE "delivery_track_points" ADD CONSTRAINT "delivery_track_points_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "deliveries"("order_id") ON DELETE CASCADE ON UPDATE CASCADE;


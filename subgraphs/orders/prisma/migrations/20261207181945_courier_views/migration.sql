-- CreateTable
CREATE TABLE "order_couriers" (
    "order_id" UUID NOT NULL,
    "courier_id" UUID NOT NULL,
    "offer_id" UUID NOT NULL,
    "offered_until" TIMESTAMPTZ(3) NOT NULL,
    "assigned_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "order_couriers_pkey" PRIMARY KEY ("order_id","courier_id")
);

-- CreateTable
CREATE TABLE "customer_first_names" (
    "user_id" UUID NOT NULL,
    "first_name" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "customer_first_names_pkey" PRIMARY KEY ("user_id")
);

-- CreateIndex
CREATE INDEX "order_couriers_courier_id_idx" ON "order_couriers"("courier_id");

-- AddForeignKey
ALTER TABLE "order_couriers" ADD CONSTRAINT "order_couriers_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


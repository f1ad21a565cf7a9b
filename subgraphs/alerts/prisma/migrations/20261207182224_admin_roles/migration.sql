-- CreateTable
CREATE TABLE "admin_roles" (
    "user_id" UUID NOT NULL,
    "admin" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "admin_roles_pkey" PRIMARY KEY ("user_id")
);


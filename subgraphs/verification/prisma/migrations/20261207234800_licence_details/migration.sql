-- An approved ANP licence carries its authorisation number and validity (issue 17); earlier documents have none.
ALTER TABLE "documents" ADD COLUMN "authorization_number" TEXT,
ADD COLUMN "authorization_valid_until" DATE;

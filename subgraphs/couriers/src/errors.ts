import { defineErrorCodes } from '#kit';

/** couriers' own refusals (docs/errors.md lists them with the kit's codes). */
export const CouriersErrors = defineErrorCodes('couriers', {
  COURIER_IN_ANOTHER_FLEET: {
    status: 409,
    description:
      "addFleetCourier: the courier already rides in another supplier's fleet. A courier belongs to one fleet at a time; they leave it with leaveFleet (or that supplier removes them) before this supplier can add them.",
  },
});

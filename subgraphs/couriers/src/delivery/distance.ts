import { EARTH_RADIUS_METERS, type GeoPoint } from '#kit';

/** A position in WGS 84 degrees; distances between two are the kit's greatCircleMeters. */
export type Point = GeoPoint;

const radians = (degrees: number) => (degrees * Math.PI) / 180;

export interface BoundingBox {
  minLatitude: number;
  maxLatitude: number;
  /** When the box crosses the antimeridian, minLongitude > maxLongitude. */
  minLongitude: number;
  maxLongitude: number;
}

/**
 * The latitude/longitude box that holds every point within `radiusMeters` of `centre`, for an
 * index range scan before the exact distance. Near a pole the box takes every longitude.
 */
export function boundingBox(centre: Point, radiusMeters: number): BoundingBox {
  const angular = radiusMeters / EARTH_RADIUS_METERS;
  const dLat = (angular * 180) / Math.PI;
  const minLatitude = Math.max(-90, centre.latitude - dLat);
  const maxLatitude = Math.min(90, centre.latitude + dLat);
  if (minLatitude <= -90 || maxLatitude >= 90) return { minLatitude, maxLatitude, minLongitude: -180, maxLongitude: 180 };
  const sinRatio = Math.sin(angular) / Math.cos(radians(centre.latitude));
  if (sinRatio >= 1) return { minLatitude, maxLatitude, minLongitude: -180, maxLongitude: 180 };
  const dLon = (Math.asin(sinRatio) * 180) / Math.PI;
  const wrap = (longitude: number) => (longitude < -180 ? longitude + 360 : longitude > 180 ? longitude - 360 : longitude);
  return { minLatitude, maxLatitude, minLongitude: wrap(centre.longitude - dLon), maxLongitude: wrap(centre.longitude + dLon) };
}

/** Latitude -90..90 and longitude -180..180, finite; 0, 0 is refused as "no position sent". */
export function isPlausiblePosition(point: Point): boolean {
  const { latitude, longitude } = point;
  return (
    Number.isFinite(latitude) &&
    Number.isFinite(longitude) &&
    Math.abs(latitude) <= 90 &&
    Math.abs(longitude) <= 180 &&
    !(latitude === 0 && longitude === 0)
  );
}

"""Groups' venues as places on a map, offline (issue 18): the postcode-centroid table, distances,
and keeping a group's main address as its first location.

No network at run time: a postcode is placed from `postcode_centroids`, which a CVS loads once with
`flask postcodes load FILE` (app/groups/cli.py) from the ONS Postcode Directory (columns `pcds` or
`pcd`, `lat`, `long`) or Code-Point Open (no header; postcode, quality, eastings, northings, ...;
British National Grid, converted here to WGS84). The demo ships a small table for its own
postcodes (app/groups/data/demo_postcodes.csv, ONSPD layout).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, insert, select

from app.extensions import db
from app.groups.models import GroupLocation, Organisation, PostcodeCentroid
from app.groups.validation import normalise_postcode

DEMO_POSTCODES = Path(__file__).parent / "data" / "demo_postcodes.csv"
EARTH_RADIUS_M = 6_371_008.8
BATCH = 5000


def compact(postcode: str | None) -> str | None:
    """'e1 6an' -> 'E16AN' (the table's key); None when it is not a UK postcode."""
    normal = normalise_postcode(postcode)
    return normal.replace(" ", "") if normal else None


def place(postcode: str | None) -> tuple[float, float] | None:
    """(latitude, longitude) of the postcode's centre, or None when the table does not have it."""
    key = compact(postcode)
    if key is None:
        return None
    row = db.session.execute(
        select(PostcodeCentroid.latitude, PostcodeCentroid.longitude).where(PostcodeCentroid.postcode == key)
    ).first()
    return (row[0], row[1]) if row else None


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, metres: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lon, max lon) enclosing the circle: a cheap first cut in SQL."""
    dlat = math.degrees(metres / EARTH_RADIUS_M)
    dlon = math.degrees(metres / (EARTH_RADIUS_M * max(0.01, math.cos(math.radians(lat)))))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def groups_near(lat: float, lon: float, metres: float) -> dict[int, float]:
    """Listed groups with a public venue within `metres` (the public directory's "near"), nearest
    first: {group id: metres to its nearest public venue}. One query, a bounding box cut in SQL and the
    exact distance here."""
    south, north, west, east = bounding_box(lat, lon, metres)
    rows = db.session.execute(
        select(GroupLocation.organisation_id, GroupLocation.latitude, GroupLocation.longitude)
        .join(Organisation, Organisation.id == GroupLocation.organisation_id)
        .where(
            Organisation.status == "approved",
            GroupLocation.public.is_(True),
            GroupLocation.latitude.between(south, north),
            GroupLocation.longitude.between(west, east),
        )
    )
    nearest: dict[int, float] = {}
    for org_id, lat2, lon2 in rows:
        away = distance_m(lat, lon, lat2, lon2)
        if away <= metres and away < nearest.get(org_id, math.inf):
            nearest[org_id] = away
    return dict(sorted(nearest.items(), key=lambda item: (item[1], item[0])))


def locate(location: GroupLocation) -> None:
    point = place(location.postcode)
    location.latitude, location.longitude = point if point else (None, None)


def sync_main_location(org: Organisation) -> None:
    """The group's own address and postcode are its first location (position 0), public when it
    shows its address. Other venues (position > 0) are left alone."""
    main = None
    if org.id is not None:
        main = db.session.scalar(
            select(GroupLocation).where(GroupLocation.organisation_id == org.id, GroupLocation.position == 0)
        )
    postcode = normalise_postcode(org.postcode)
    if not postcode:
        if main is not None:
            db.session.delete(main)
        return
    if main is None:
        main = GroupLocation(position=0, postcode=postcode)
        if org.id is None:
            org.locations.append(main)
        else:
            main.organisation_id = org.id
            db.session.add(main)
    main.address_1 = (org.address or "")[:300]
    main.public = org.is_public("address")
    if main.postcode != postcode or main.latitude is None:
        main.postcode = postcode
        locate(main)


# --- loading the centroid table -------------------------------------------------------------


class PostcodeFileError(Exception):
    """The file cannot be loaded; nothing was changed."""


@dataclass
class LoadResult:
    loaded: int
    skipped: int  # rows without a location (ONSPD gives 99.999999 for "no grid reference")
    layout: str
    placed: int = 0  # venues given coordinates afterwards


def _onspd_rows(reader: Iterator[list[str]], header: list[str]) -> Iterator[tuple[int, str, float, float] | None]:
    names = [h.strip().lower() for h in header]
    column = next((c for c in ("pcds", "pcd", "pcd2", "postcode") if c in names), None)
    if column is None or "lat" not in names or "long" not in names:
        raise PostcodeFileError("The header has no postcode column (pcds or pcd) with lat and long columns.")
    at, lat_at, lon_at = names.index(column), names.index("lat"), names.index("long")
    for line, row in enumerate(reader, start=2):
        if not any(row):
            continue
        try:
            lat, lon = float(row[lat_at]), float(row[lon_at])
        except (ValueError, IndexError) as exc:
            raise PostcodeFileError(f"Line {line}: latitude and longitude must be numbers.") from exc
        if lat > 90 or lon > 180:  # 99.999999 / 0.000000: the ONSPD's "no grid reference"
            yield None
            continue
        yield line, row[at], lat, lon


def _codepoint_rows(reader: Iterator[list[str]], first: list[str]) -> Iterator[tuple[int, str, float, float] | None]:
    for line, row in enumerate(_chain([first], reader), start=1):
        if not any(row):
            continue
        try:
            easting, northing = float(row[2]), float(row[3])
        except (ValueError, IndexError) as exc:
            raise PostcodeFileError(f"Line {line}: eastings and northings must be numbers.") from exc
        if easting == 0 and northing == 0:  # Code-Point's "no coordinates" (quality 90)
            yield None
            continue
        lat, lon = osgb36_to_wgs84(easting, northing)
        yield line, row[0], lat, lon


def _chain(*parts: Iterable) -> Iterator:
    for part in parts:
        yield from part


def _parse(text: io.TextIOBase) -> tuple[str, Iterator]:
    reader = csv.reader(text)
    try:
        first = next(reader)
    except StopIteration as exc:
        raise PostcodeFileError("The file is empty.") from exc
    lowered = [cell.strip().lower() for cell in first]
    if "lat" in lowered or "pcds" in lowered or "pcd" in lowered:
        return "ONS Postcode Directory", _onspd_rows(reader, first)
    if len(first) >= 4 and compact(first[0]) is not None:
        return "Code-Point Open", _codepoint_rows(reader, first)
    raise PostcodeFileError(
        "This is neither the ONS Postcode Directory (a header with pcds, lat and long) "
        "nor Code-Point Open (postcode, quality, eastings, northings on each line)."
    )


def load_centroids(text: io.TextIOBase, progress: Callable[[int], None] | None = None) -> LoadResult:
    """Replace the centroid table with the file's postcodes, all or nothing: any bad line raises
    PostcodeFileError and the caller rolls back. `progress(n)` is called every BATCH rows."""
    layout, rows = _parse(text)
    db.session.execute(delete(PostcodeCentroid))
    batch: dict[str, tuple[float, float]] = {}
    loaded = skipped = 0
    for row in rows:
        if row is None:
            skipped += 1
            continue
        line, raw, lat, lon = row
        key = compact(raw)
        if key is None:
            raise PostcodeFileError(f"Line {line}: “{raw}” is not a UK postcode.")
        batch[key] = (round(lat, 6), round(lon, 6))
        if len(batch) >= BATCH:
            loaded += _flush(batch)
            if progress:
                progress(loaded + skipped)
    loaded += _flush(batch)
    if progress:
        progress(loaded + skipped)
    if not loaded:
        raise PostcodeFileError("The file has no postcodes with a location.")
    return LoadResult(loaded, skipped, layout, placed=place_all_locations())


def _flush(batch: dict[str, tuple[float, float]]) -> int:
    if not batch:
        return 0
    values = [{"postcode": k, "latitude": lat, "longitude": lon} for k, (lat, lon) in batch.items()]
    db.session.execute(insert(PostcodeCentroid), values)
    count = len(batch)
    batch.clear()
    return count


def place_all_locations() -> int:
    """Give every venue the coordinates of its postcode from the table (or none). Returns how many
    are placed."""
    placed = 0
    table = {
        key: (lat, lon)
        for key, lat, lon in db.session.execute(
            select(PostcodeCentroid.postcode, PostcodeCentroid.latitude, PostcodeCentroid.longitude).where(
                PostcodeCentroid.postcode.in_(select(func.replace(GroupLocation.postcode, " ", "")))
            )
        )
    }
    for location in db.session.scalars(select(GroupLocation)):
        point = table.get(compact(location.postcode) or "")
        location.latitude, location.longitude = point if point else (None, None)
        placed += point is not None
    return placed


def load_demo_centroids() -> None:
    """The demo's own postcodes (idempotent: only when the table is empty)."""
    if db.session.scalar(select(PostcodeCentroid.postcode).limit(1)) is None:
        with DEMO_POSTCODES.open(encoding="utf-8") as handle:
            load_centroids(handle)


# --- British National Grid (OSGB36) to WGS84 ------------------------------------------------


def osgb36_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    """Ordnance Survey's inverse transverse Mercator and a Helmert shift to WGS84 (a few metres)."""
    lat, lon = _grid_to_latlon(easting, northing)
    return _helmert_osgb_to_wgs84(lat, lon)


_AIRY = (6377563.396, 6356256.909)
_GRS80 = (6378137.000, 6356752.3142)


def _grid_to_latlon(e: float, n: float) -> tuple[float, float]:
    a, b = _AIRY
    f0, lat0, lon0, n0, e0 = 0.9996012717, math.radians(49), math.radians(-2), -100000, 400000
    e2 = 1 - (b * b) / (a * a)
    nn = (a - b) / (a + b)
    lat, m = lat0, 0.0
    while True:
        lat = (n - n0 - m) / (a * f0) + lat
        ma = (1 + nn + 5 / 4 * nn**2 + 5 / 4 * nn**3) * (lat - lat0)
        mb = (3 * nn + 3 * nn**2 + 21 / 8 * nn**3) * math.sin(lat - lat0) * math.cos(lat + lat0)
        mc = (15 / 8 * nn**2 + 15 / 8 * nn**3) * math.sin(2 * (lat - lat0)) * math.cos(2 * (lat + lat0))
        md = 35 / 24 * nn**3 * math.sin(3 * (lat - lat0)) * math.cos(3 * (lat + lat0))
        m = b * f0 * (ma - mb + mc - md)
        if abs(n - n0 - m) < 0.00001:
            break
    sin, cos, tan = math.sin(lat), math.cos(lat), math.tan(lat)
    nu = a * f0 / math.sqrt(1 - e2 * sin * sin)
    rho = a * f0 * (1 - e2) / (1 - e2 * sin * sin) ** 1.5
    eta2 = nu / rho - 1
    vii = tan / (2 * rho * nu)
    viii = tan / (24 * rho * nu**3) * (5 + 3 * tan**2 + eta2 - 9 * tan**2 * eta2)
    ix = tan / (720 * rho * nu**5) * (61 + 90 * tan**2 + 45 * tan**4)
    x = 1 / (cos * nu)
    xi = 1 / (cos * 6 * nu**3) * (nu / rho + 2 * tan**2)
    xii = 1 / (cos * 120 * nu**5) * (5 + 28 * tan**2 + 24 * tan**4)
    xiia = 1 / (cos * 5040 * nu**7) * (61 + 662 * tan**2 + 1320 * tan**4 + 720 * tan**6)
    de = e - e0
    lat = lat - vii * de**2 + viii * de**4 - ix * de**6
    lon = lon0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7
    return lat, lon


def _helmert_osgb_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    a, b = _AIRY
    e2 = 1 - (b * b) / (a * a)
    nu = a / math.sqrt(1 - e2 * math.sin(lat) ** 2)
    x = nu * math.cos(lat) * math.cos(lon)
    y = nu * math.cos(lat) * math.sin(lon)
    z = (1 - e2) * nu * math.sin(lat)
    # OSGB36 -> WGS84 (the inverse of OS's published WGS84 -> OSGB36 parameters).
    tx, ty, tz, s = 446.448, -125.157, 542.060, -20.4894e-6
    rx, ry, rz = (math.radians(v / 3600) for v in (0.1502, 0.2470, 0.8421))
    x2 = tx + (1 + s) * x - rz * y + ry * z
    y2 = ty + rz * x + (1 + s) * y - rx * z
    z2 = tz - ry * x + rx * y + (1 + s) * z
    a, b = _GRS80
    e2 = 1 - (b * b) / (a * a)
    p = math.sqrt(x2 * x2 + y2 * y2)
    lat2 = math.atan2(z2, p * (1 - e2))
    for _ in range(10):
        nu = a / math.sqrt(1 - e2 * math.sin(lat2) ** 2)
        lat2 = math.atan2(z2 + e2 * nu * math.sin(lat2), p)
    return math.degrees(lat2), math.degrees(math.atan2(y2, x2))

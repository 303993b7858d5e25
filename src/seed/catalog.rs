//! The vocabulary of the demo data: people, places, carriers, goods.

pub const FIRST_NAMES: &[&str] = &[
    "Amara", "Bastian", "Chen", "Dalia", "Emeka", "Freya", "Gustavo", "Hana", "Idris", "Jana", "Kofi", "Lena", "Mateo",
    "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Ulla", "Viktor", "Wen", "Ximena", "Yusuf", "Zofia",
    "Aiko", "Bruno", "Carmen", "Diego",
];

pub const LAST_NAMES: &[&str] = &[
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Novak",
    "Haddad",
    "Fischer",
    "Costa",
    "Nguyen",
    "Kowalski",
    "Mensah",
    "Ivanova",
    "Schmidt",
    "Rossi",
    "Patel",
    "Jensen",
    "García",
    "Yilmaz",
    "O'Brien",
    "Dubois",
    "Kim",
    "Andersen",
    "Silva",
    "Müller",
    "Ahmed",
    "Berg",
    "Sato",
    "Varga",
];

/// Roles with their weight among the ~200 actors.
pub const ROLES: &[(&str, u32)] = &[
    ("operations", 30),
    ("support", 28),
    ("dispatcher", 15),
    ("customs_broker", 8),
    ("manager", 7),
    ("driver", 6),
    ("integration", 6),
];

pub const CITIES: &[&str] = &[
    "Rotterdam, NL",
    "Hamburg, DE",
    "Antwerp, BE",
    "Felixstowe, GB",
    "Le Havre, FR",
    "Valencia, ES",
    "Genoa, IT",
    "Gdańsk, PL",
    "Piraeus, GR",
    "Istanbul, TR",
    "Dubai, AE",
    "Mumbai, IN",
    "Singapore, SG",
    "Shanghai, CN",
    "Busan, KR",
    "Yokohama, JP",
    "Los Angeles, US",
    "Chicago, US",
    "Newark, US",
    "Savannah, US",
    "Houston, US",
    "Toronto, CA",
    "Santos, BR",
    "Durban, ZA",
    "Lagos, NG",
    "Sydney, AU",
    "Memphis, US",
    "Leipzig, DE",
    "Liège, BE",
    "Zaragoza, ES",
];

pub const CARRIERS: &[&str] = &[
    "Maersk",
    "MSC",
    "CMA CGM",
    "Hapag-Lloyd",
    "ONE",
    "Evergreen",
    "DHL Freight",
    "DB Schenker",
    "Kuehne+Nagel",
    "UPS Supply Chain",
    "FedEx Freight",
    "DSV Road",
];

pub const GOODS: &[&str] = &[
    "Electronics",
    "Auto parts",
    "Pharmaceuticals",
    "Coffee beans",
    "Textiles",
    "Furniture",
    "Machine tools",
    "Solar panels",
    "Frozen seafood",
    "Wine",
    "Medical devices",
    "Books",
    "Bicycle frames",
    "Paper rolls",
    "Spare parts",
    "Cosmetics",
];

pub const PACKAGING: &[&str] = &["pallets", "containers", "crates", "cartons", "drums"];

/// The normal course of a shipment; `delivered` ends it.
pub const STATUS_FLOW: &[&str] = &[
    "booked",
    "picked_up",
    "in_transit",
    "at_customs",
    "out_for_delivery",
    "delivered",
];

pub const DOCUMENTS: &[&str] = &[
    "Commercial invoice",
    "Bill of lading",
    "Packing list",
    "Certificate of origin",
    "Customs declaration",
    "Proof of delivery",
    "Dangerous goods note",
    "Insurance certificate",
];

pub const NOTES: &[&str] = &[
    "Customer asked for a delivery window before noon",
    "Dock 4 only, call ahead",
    "Consignee closed on Sundays",
    "Temperature log requested by customer",
    "Pallets re-wrapped after inspection",
    "Driver reports heavy traffic at the border",
    "Awaiting customs broker confirmation",
    "Customer confirmed the new address",
];

pub const EXCEPTIONS: &[&str] = &[
    "Damaged packaging reported at hub",
    "Customs hold: missing certificate of origin",
    "Missed connection at transshipment port",
    "Weather delay",
    "Consignee unreachable",
    "Weight discrepancy on scale ticket",
];

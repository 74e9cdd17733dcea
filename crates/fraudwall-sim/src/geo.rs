//! The jurisdiction tree: province → city → district → police station → grid.
//!
//! Cities and districts are Fujian's, with their administrative-division codes (GB/T 2260) and
//! the cities' resident populations of the 2020 census (millions), which weight where
//! subscribers live. Police stations and grids are generated: a station's code is its
//! district's six digits and three more, a grid's the station's and three more, so codes nest by
//! prefix as fraudwall's territory scopes expect.

use crate::rng::{Rng, cumulative};

pub const PROVINCE: (&str, &str) = ("350000", "福建省");

/// A district: code, name, and whether it is mostly rural.
pub type District = (&'static str, &'static str, bool);

/// (code, name, 2020 census population in millions, districts).
pub static CITIES: &[(&str, &str, f64, &[District])] = &[
    (
        "350100",
        "福州市",
        8.29,
        &[
            ("350102", "鼓楼区", false),
            ("350103", "台江区", false),
            ("350104", "仓山区", false),
            ("350111", "晋安区", false),
            ("350112", "长乐区", false),
            ("350121", "闽侯县", true),
        ],
    ),
    (
        "350200",
        "厦门市",
        5.16,
        &[
            ("350203", "思明区", false),
            ("350205", "海沧区", false),
            ("350206", "湖里区", false),
            ("350211", "集美区", false),
            ("350212", "同安区", true),
            ("350213", "翔安区", true),
        ],
    ),
    (
        "350300",
        "莆田市",
        3.21,
        &[
            ("350302", "城厢区", false),
            ("350303", "涵江区", false),
            ("350304", "荔城区", false),
            ("350322", "仙游县", true),
        ],
    ),
    (
        "350400",
        "三明市",
        2.49,
        &[("350404", "三元区", false), ("350481", "永安市", true)],
    ),
    (
        "350500",
        "泉州市",
        8.78,
        &[
            ("350502", "鲤城区", false),
            ("350503", "丰泽区", false),
            ("350504", "洛江区", false),
            ("350581", "石狮市", false),
            ("350582", "晋江市", false),
            ("350583", "南安市", true),
        ],
    ),
    (
        "350600",
        "漳州市",
        5.05,
        &[
            ("350602", "芗城区", false),
            ("350603", "龙文区", false),
            ("350604", "龙海区", true),
            ("350623", "漳浦县", true),
        ],
    ),
    (
        "350700",
        "南平市",
        2.68,
        &[
            ("350702", "延平区", false),
            ("350703", "建阳区", true),
            ("350782", "武夷山市", true),
        ],
    ),
    (
        "350800",
        "龙岩市",
        2.72,
        &[
            ("350802", "新罗区", false),
            ("350803", "永定区", true),
            ("350823", "上杭县", true),
        ],
    ),
    (
        "350900",
        "宁德市",
        3.15,
        &[
            ("350902", "蕉城区", false),
            ("350981", "福安市", true),
            ("350982", "福鼎市", true),
        ],
    ),
];

static STATION_NAMES: &[&str] = &[
    "东街", "南门", "西湖", "北峰", "城东", "城西", "江滨", "金山", "湖东", "五一", "洪山", "新店",
    "东湖", "海滨", "青山", "白沙", "凤凰", "龙江", "桥南", "港口", "花园", "文昌", "梅岭", "溪头",
];

#[derive(Debug, Clone)]
pub struct Grid {
    pub code: String,
    pub district: usize,
    pub rural: bool,
}

#[derive(Debug, Clone)]
pub struct Territories {
    pub grids: Vec<Grid>,
    /// Cumulative weights of the grids, by their city's population.
    pub grid_weights: Vec<f64>,
    /// Grids of each district.
    pub district_grids: Vec<Vec<u32>>,
    /// The CSV, written once.
    pub csv: String,
}

impl Territories {
    pub fn generate(rng: &mut Rng) -> Territories {
        let mut csv = String::from("code,name,level,parent\n");
        csv.push_str(&format!("{},{},province,\n", PROVINCE.0, PROVINCE.1));
        let mut grids = Vec::new();
        let mut weights = Vec::new();
        let mut district_grids = Vec::new();
        for &(city_code, city_name, population, districts) in CITIES {
            csv.push_str(&format!("{city_code},{city_name},city,{}\n", PROVINCE.0));
            let per_district = population / districts.len() as f64;
            for &(district_code, district_name, rural) in districts {
                csv.push_str(&format!(
                    "{district_code},{district_name},district,{city_code}\n"
                ));
                let district = district_grids.len();
                let mut mine = Vec::new();
                let stations = rng.range(3, 6) as usize;
                let first = rng.below(STATION_NAMES.len() as u64) as usize;
                for s in 0..stations {
                    let name = STATION_NAMES[(first + s * 7) % STATION_NAMES.len()];
                    let station_code = format!("{district_code}{:03}", s + 1);
                    csv.push_str(&format!(
                        "{station_code},{district_name}{name}派出所,station,{district_code}\n"
                    ));
                    let n_grids = rng.range(4, 8) as usize;
                    for g in 0..n_grids {
                        let code = format!("{station_code}{:03}", g + 1);
                        csv.push_str(&format!(
                            "{code},{name}第{}网格,grid,{station_code}\n",
                            g + 1
                        ));
                        mine.push(grids.len() as u32);
                        grids.push(Grid {
                            code,
                            district,
                            rural,
                        });
                        weights.push(per_district / (stations * n_grids) as f64);
                    }
                }
                district_grids.push(mine);
            }
        }
        Territories {
            grids,
            grid_weights: cumulative(weights),
            district_grids,
            csv,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_nest_by_prefix() {
        let t = Territories::generate(&mut Rng::derive(1, 0, 0, 0));
        assert!(t.grids.len() > 100);
        let mut codes = std::collections::HashSet::new();
        for line in t.csv.lines().skip(1) {
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(fields.len(), 4, "{line}");
            assert!(codes.insert(fields[0].to_owned()), "{line} twice");
            if !fields[3].is_empty() {
                let parent = fields[3].trim_end_matches("0000").trim_end_matches("00");
                assert!(fields[0].starts_with(parent), "{line}");
            }
        }
        for grid in &t.grids {
            assert_eq!(grid.code.len(), 12);
        }
    }
}

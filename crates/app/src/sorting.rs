//! How a list may be ordered. Each list names its orderings once, in a table; the page
//! offers them in its 排序 select and reads `?sort=` back through the same table.

pub trait ListSort: Copy + Default + PartialEq + 'static {
    /// Every ordering as (value, code in the URL, label on the page), the default first.
    const ALL: &'static [(Self, &'static str, &'static str)];

    fn code(self) -> &'static str {
        Self::ALL.iter().find(|x| x.0 == self).map_or("", |x| x.1)
    }

    fn label(self) -> &'static str {
        Self::ALL.iter().find(|x| x.0 == self).map_or("", |x| x.2)
    }

    fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().find(|x| x.1 == code).map(|x| x.0)
    }
}

#[cfg(test)]
mod tests {
    use super::ListSort;
    use crate::inspections::InspectionSort;
    use crate::rectification::OrderSort;
    use crate::sanctions::SanctionSort;

    fn round_trips<S: ListSort + std::fmt::Debug>() {
        assert_eq!(S::ALL[0].0, S::default(), "the default is offered first");
        let mut codes = std::collections::BTreeSet::new();
        for &(s, code, label) in S::ALL {
            assert_eq!(S::parse(code), Some(s));
            assert_eq!((s.code(), s.label()), (code, label));
            assert!(codes.insert(code), "{code} twice");
            assert!(!label.is_empty() && !label.is_ascii());
        }
        assert_eq!(S::parse("no_such_order"), None);
    }

    #[test]
    fn every_list_reads_back_the_orderings_it_offers() {
        round_trips::<InspectionSort>();
        round_trips::<OrderSort>();
        round_trips::<SanctionSort>();
    }
}

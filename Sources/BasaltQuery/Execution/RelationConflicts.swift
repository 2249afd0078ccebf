import BasaltCQL

/// Relations on one column that Cassandra refuses to combine (its `Restriction.mergeWith`): an
/// equality or IN with anything else, two lower or two upper bounds, and a partition key column
/// restricted both directly and through `token()`. Accepting them would make the answer depend on
/// which relation happened to be read last.
enum RelationConflicts {
    private enum Seen { case equal, `in`, slice(lower: Bool, upper: Bool) }

    static func refuse(_ relations: [Relation], partitionKey: [String]) throws(QueryError) {
        var seen: [String: Seen] = [:]
        var tokenRestricted = false
        var keyRestricted: [String] = []
        for relation in relations {
            let names: [String]
            switch relation.subject {
            case .column(let name): names = [name]
            case .columns(let columns): names = columns
            case .token: tokenRestricted = true; continue
            case .element: continue
            }
            keyRestricted += names.filter { partitionKey.contains($0) }
            let kind: Seen
            switch relation.op {
            case .equal: kind = .equal
            case .in: kind = .in
            case .greater, .greaterOrEqual: kind = .slice(lower: true, upper: false)
            case .less, .lessOrEqual: kind = .slice(lower: false, upper: true)
            default: continue  // CONTAINS, CONTAINS KEY and != combine with other relations or fail elsewhere
            }
            for name in names {
                guard let earlier = seen[name] else { seen[name] = kind; continue }
                switch (earlier, kind) {
                case (.equal, _): throw .invalid("\(name) cannot be restricted by more than one relation if it includes an Equal")
                case (.in, _): throw .invalid("\(name) cannot be restricted by more than one relation if it includes a IN")
                case (.slice, .equal), (.slice, .in):
                    throw .invalid("Column \"\(name)\" cannot be restricted by both an equality and an inequality relation")
                case let (.slice(lower, upper), .slice(newLower, newUpper)):
                    if lower && newLower { throw .invalid("More than one restriction was found for the start bound on \(name)") }
                    if upper && newUpper { throw .invalid("More than one restriction was found for the end bound on \(name)") }
                    seen[name] = .slice(lower: lower || newLower, upper: upper || newUpper)
                }
            }
        }
        if tokenRestricted && !keyRestricted.isEmpty {
            throw .invalid("Columns \"\(keyRestricted.joined(separator: ", "))\" cannot be restricted by both a normal relation "
                           + "and a token relation")
        }
    }
}

import BasaltCore
import Glibc
@testable import BasaltSSTable

@testable import FaultlineImport
import FaultlineModel
import FaultlineYAML
import Testing

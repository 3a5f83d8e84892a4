import Foundation
import Imaging
import Testing
@testable import VideoIO

/// OutputGuard: outputs are compared with inputs by file identity, so no spelling of a path overwrites an input.
@Suite struct OutputGuardTests {
    private func setUp() throws -> (dir: URL, input: URL) {
        let dir = Fixture.scratch()
        let input = dir.appendingPathComponent("photo.png")
        try FileManager.default.copyItem(at: Fixture.clip("coffee.png"), to: input)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: false)
        return (dir, input)
    }

    @Test func everySpellingOfAnInputIsRefused() throws {
        let (dir, input) = try setUp(); defer { Fixture.cleanUp(dir) }
        let link = dir.appendingPathComponent("link.png"), hard = dir.appendingPathComponent("hard.png")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: input)
        try FileManager.default.linkItem(at: input, to: hard)
        let folderLink = dir.appendingPathComponent("alias")
        try FileManager.default.createSymbolicLink(at: folderLink, withDestinationURL: dir)
        let spellings = [input, dir.appendingPathComponent("sub/../photo.png"), dir.appendingPathComponent("./photo.png"),
                         link, hard, folderLink.appendingPathComponent("photo.png")]
        for out in spellings {
            #expect(throws: VideoIOError.outputIsInput(path: out.path)) {
                try OutputGuard.check(outputs: [out], inputs: [input])
            }
        }
        // The input seen through a symlink is refused as well.
        #expect(throws: VideoIOError.self) { try OutputGuard.check(outputs: [input], inputs: [link]) }
    }

    @Test func newOutputsAndOtherFilesPass() throws {
        let (dir, input) = try setUp(); defer { Fixture.cleanUp(dir) }
        try OutputGuard.check(outputs: [dir.appendingPathComponent("out.png"), dir.appendingPathComponent("sub/photo.png")],
                              folders: [dir.appendingPathComponent("frames")], inputs: [input])
        // A dangling output name in a folder reached through a symlink resolves to the real folder.
        let alias = dir.appendingPathComponent("alias")
        try FileManager.default.createSymbolicLink(at: alias, withDestinationURL: dir.appendingPathComponent("sub"))
        #expect(PathIdentity(alias.appendingPathComponent("new.png")).resolvedPath
                == PathIdentity(dir.appendingPathComponent("sub/new.png")).resolvedPath)
    }

    @Test func foldersHoldingAnInputAndDuplicateOutputsAreRefused() throws {
        let (dir, input) = try setUp(); defer { Fixture.cleanUp(dir) }
        #expect(throws: VideoIOError.outputIsInput(path: dir.path)) {
            try OutputGuard.check(outputs: [], folders: [dir], inputs: [input])
        }
        #expect(throws: VideoIOError.self) {
            try OutputGuard.check(outputs: [dir.appendingPathComponent("a.png"), dir.appendingPathComponent("sub/../a.png")],
                                  inputs: [input])
        }
    }

    @Test func imageWriterRefusesItsInput() throws {
        let (dir, input) = try setUp(); defer { Fixture.cleanUp(dir) }
        let before = try Data(contentsOf: input)
        let image = try ImageFile.read(input)
        #expect(throws: VideoIOError.outputIsInput(path: input.path)) {
            try ImageFile.write(image, to: input, inputs: [input])
        }
        #expect(try Data(contentsOf: input) == before)
        #expect(Fixture.contents(dir) == ["photo.png", "sub"])
    }
}

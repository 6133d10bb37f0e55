import Crypto
import Foundation
import SwiftASN1
import X509

/// The certificate and key the SIP TLS listener presents. Like CMS `pki selfsigned`, the
/// bridge makes a self-signed one on first start when none is configured, and keeps it
/// under the data directory so endpoints that pinned it keep trusting it.
public struct TLSIdentity: Sendable {
    public let certificatePEM: String
    public let privateKeyPEM: String

    public init(certificatePEM: String, privateKeyPEM: String) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }

    /// Loads `name.crt`/`name.key` from `directory`, creating a self-signed pair (P-256, one
    /// year, SAN = the given hosts) when they do not exist yet.
    public static func loadOrCreateSelfSigned(directory: String, name: String = "callbridge",
                                              hosts: [String] = ["127.0.0.1", "localhost"]) throws -> TLSIdentity {
        let certificatePath = "\(directory)/\(name).crt", keyPath = "\(directory)/\(name).key"
        let files = FileManager.default
        if files.fileExists(atPath: certificatePath), files.fileExists(atPath: keyPath) {
            return TLSIdentity(certificatePEM: try String(contentsOfFile: certificatePath, encoding: .utf8),
                               privateKeyPEM: try String(contentsOfFile: keyPath, encoding: .utf8))
        }
        let identity = try makeSelfSigned(commonName: name, hosts: hosts)
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try identity.certificatePEM.write(toFile: certificatePath, atomically: true, encoding: .utf8)
        try identity.privateKeyPEM.write(toFile: keyPath, atomically: true, encoding: .utf8)
        // The private key is for this process only.
        try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyPath)
        return identity
    }

    public static func makeSelfSigned(commonName: String, hosts: [String]) throws -> TLSIdentity {
        let key = P256.Signing.PrivateKey()
        let privateKey = Certificate.PrivateKey(key)
        let name = try DistinguishedName { CommonName(commonName); OrganizationName("callbridge") }
        let now = Date()
        var alternativeNames: [GeneralName] = []
        for host in hosts {
            if let bytes = ipv4Bytes(host) {
                alternativeNames.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
            } else {
                alternativeNames.append(.dnsName(host))
            }
        }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
            try ExtendedKeyUsage([.serverAuth, .clientAuth])
            SubjectAlternativeNames(alternativeNames)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: privateKey.publicKey,
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(365 * 86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions, issuerPrivateKey: privateKey)
        return TLSIdentity(certificatePEM: try certificate.serializeAsPEM().pemString, privateKeyPEM: key.pemRepresentation)
    }

    private static func ipv4Bytes(_ host: String) -> [UInt8]? {
        let parts = host.split(separator: ".")
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { UInt8($0) }
        return bytes.count == 4 ? bytes : nil
    }
}

import { loadLoopbackCertificate } from "@/lib/hec-receiver/certificate";
import { startHecReceiver, type THecReceiverOptions } from "@/lib/hec-receiver/receiver";

/** A HEC receiver whose certificate the test processes trust (see test/global-setup.ts). */
export async function startTestReceiver(options: THecReceiverOptions = {}) {
  const certificate = await loadLoopbackCertificate(process.env.TEST_HEC_CERT_DIR!);
  return startHecReceiver({ ...options, certificate });
}

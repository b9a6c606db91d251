// The e2e file, unchanged, on the tier's Redis Cluster with two api instances and two workers.
import '../e2e/sms/sms-replies.e2e-spec';
